CREATE TABLE `entry_map` (
	`pair_id` text NOT NULL,
	`source_entry_id` text NOT NULL,
	`destination_entry_id` text,
	`content_hash` text,
	`state` text NOT NULL,
	`origin` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`pair_id`, `source_entry_id`),
	CONSTRAINT "entry_map_state_check" CHECK("state" in ('pending', 'live', 'tombstone')),
	CONSTRAINT "entry_map_origin_check" CHECK("origin" in ('created', 'adopted')),
	CONSTRAINT "entry_map_live_has_destination_check" CHECK("state" <> 'live' or "destination_entry_id" is not null)
);
--> statement-breakpoint
CREATE INDEX `entry_map_pair_destination_idx` ON `entry_map` (`pair_id`,`destination_entry_id`);--> statement-breakpoint
CREATE TABLE `inbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pair_id` text NOT NULL,
	`workspace_id` text NOT NULL,
	`side` text NOT NULL,
	`event_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`body` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`available_at` integer NOT NULL,
	`lease_until` integer,
	`last_error` text,
	`received_at` integer NOT NULL,
	`applied_at` integer,
	CONSTRAINT "inbox_side_check" CHECK("side" in ('source', 'destination')),
	CONSTRAINT "inbox_status_check" CHECK("status" in ('pending', 'leased', 'done', 'dead', 'ignored'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_dedupe_key_uq` ON `inbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `inbox_status_available_idx` ON `inbox` (`status`,`available_at`);--> statement-breakpoint
CREATE INDEX `inbox_pair_entity_id_idx` ON `inbox` (`pair_id`,`entity_id`,`id`);--> statement-breakpoint
CREATE TABLE `project_map` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pair_id` text NOT NULL,
	`source_project_id` text NOT NULL,
	`destination_project_id` text NOT NULL,
	`name` text NOT NULL,
	`origin` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "project_map_origin_check" CHECK("origin" in ('source', 'destination'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `project_map_pair_source_uq` ON `project_map` (`pair_id`,`source_project_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `project_map_pair_destination_uq` ON `project_map` (`pair_id`,`destination_project_id`);--> statement-breakpoint
CREATE TABLE `reconcile_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pair_id` text NOT NULL,
	`trigger` text NOT NULL,
	`window_start` integer NOT NULL,
	`window_end` integer NOT NULL,
	`dry_run` integer NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`outcome` text DEFAULT 'running' NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`deleted` integer DEFAULT 0 NOT NULL,
	`adopted` integer DEFAULT 0 NOT NULL,
	`unchanged` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`requests` integer DEFAULT 0 NOT NULL,
	`error` text,
	CONSTRAINT "reconcile_runs_trigger_check" CHECK("trigger" in ('cli', 'schedule', 'admin', 'setup')),
	CONSTRAINT "reconcile_runs_outcome_check" CHECK("outcome" in ('running', 'succeeded', 'failed', 'aborted'))
);
--> statement-breakpoint
CREATE INDEX `reconcile_runs_pair_started_idx` ON `reconcile_runs` (`pair_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text NOT NULL,
	`event_type` text NOT NULL,
	`clockify_webhook_id` text NOT NULL,
	`url` text NOT NULL,
	`token_sha256` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "webhooks_token_sha256_hex_check" CHECK(length("token_sha256") = 64 and "token_sha256" not glob '*[^0-9a-f]*')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhooks_clockify_webhook_id_uq` ON `webhooks` (`clockify_webhook_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `webhooks_workspace_event_url_uq` ON `webhooks` (`workspace_id`,`event_type`,`url`);--> statement-breakpoint
CREATE INDEX `webhooks_token_sha256_idx` ON `webhooks` (`token_sha256`);