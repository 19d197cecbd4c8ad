import { defineConfig } from "drizzle-kit";

// One schema per engine, the same tables in each (src/db/postgres/schema.ts says how they differ);
// `npm run db:generate` writes the migrations of both.
const postgres = process.env.DRIZZLE_DIALECT === "postgresql";

export default defineConfig(
  postgres
    ? { dialect: "postgresql", schema: "./src/db/postgres/schema.ts", out: "./migrations/postgres" }
    : { dialect: "sqlite", schema: "./src/db/schema.ts", out: "./migrations" },
);
