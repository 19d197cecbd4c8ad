import { accountRoutes } from "./account.js";
import { catalogRoutes } from "./catalog.js";
import { entityRoutes } from "./entities.js";
import { timeEntryRoutes } from "./time-entries.js";
import { webhookRoutes } from "./webhooks.js";
import type { Route } from "./define.js";

export const ROUTES: readonly Route[] = [...accountRoutes, ...catalogRoutes, ...timeEntryRoutes, ...webhookRoutes, ...entityRoutes];
