export { ClockifyClient, clockifyTime, DEFAULT_API_URL } from "./client.js";
export type { ClockifyClientOptions, ProjectFilter, TimeEntryFilter } from "./client.js";
export { ClockifyError, isNotFoundAnswer } from "./errors.js";
export type { ClockifyErrorKind } from "./errors.js";
export { collect, MAX_PAGE_SIZE, paginate } from "./pagination.js";
export { RateLimiter, RateLimiterRegistry } from "./rate-limiter.js";
export type { RequestEvent } from "./transport.js";
export * from "./schemas.js";
