PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_reconcile_runs` (
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
	`member_counts` text,
	CONSTRAINT "reconcile_runs_trigger_check" CHECK("trigger" in ('cli', 'schedule', 'admin', 'setup', 'poll')),
	CONSTRAINT "reconcile_runs_outcome_check" CHECK("outcome" in ('running', 'succeeded', 'failed', 'aborted'))
);
--> statement-breakpoint
INSERT INTO `__new_reconcile_runs`("id", "pair_id", "trigger", "window_start", "window_end", "dry_run", "started_at", "finished_at", "outcome", "created", "updated", "deleted", "adopted", "unchanged", "failed", "requests", "error", "member_counts") SELECT "id", "pair_id", "trigger", "window_start", "window_end", "dry_run", "started_at", "finished_at", "outcome", "created", "updated", "deleted", "adopted", "unchanged", "failed", "requests", "error", "member_counts" FROM `reconcile_runs`;--> statement-breakpoint
DROP TABLE `reconcile_runs`;--> statement-breakpoint
ALTER TABLE `__new_reconcile_runs` RENAME TO `reconcile_runs`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `reconcile_runs_pair_started_idx` ON `reconcile_runs` (`pair_id`,`started_at`);