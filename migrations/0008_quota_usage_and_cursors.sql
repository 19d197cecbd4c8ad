CREATE TABLE `api_usage` (
	`workspace_id` text NOT NULL,
	`minute` integer NOT NULL,
	`requests` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `minute`)
);
--> statement-breakpoint
CREATE TABLE `cursors` (
	`name` text PRIMARY KEY NOT NULL,
	`position` integer NOT NULL,
	`updated_at` integer NOT NULL
);
