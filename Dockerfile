# syntax=docker/dockerfile:1
# Build: compile TypeScript with the dev dependencies.
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only; better-sqlite3 compiles here, where the toolchain is.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

FROM node:22-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    DATABASE_PATH=/data/clockify-sync.db \
    CLOCKIFY_SYNC_CONFIG=/config/clockify-sync.config.json \
    PORT=8080
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
COPY bin ./bin
# `clockify-sync` on PATH for every user: `docker exec <container> clockify-sync reconcile`. There is no
# src/ in this image, so the launcher runs dist/ as it is and never tries to build.
RUN chmod 755 bin/clockify-sync.js && ln -s /app/bin/clockify-sync.js /usr/local/bin/clockify-sync \
 && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Node is PID 1 here, child-free (the launcher imports the program in-process): it receives SIGTERM
# directly and shuts down cleanly.
CMD ["node", "bin/clockify-sync.js", "serve"]
