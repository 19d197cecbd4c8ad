/**
 * The path Clockify POSTs deliveries to: the HTTP route listens on it and every webhook URL the service
 * registers must end with it, so the two cannot drift apart.
 */
export const WEBHOOK_PATH = "/webhooks/clockify";
