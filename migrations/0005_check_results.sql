CREATE TABLE `check_results` (
	`pair_id` text NOT NULL,
	`check` text NOT NULL,
	`level` text NOT NULL,
	`message` text NOT NULL,
	`checked_at` integer NOT NULL,
	`failing_since` integer,
	PRIMARY KEY(`pair_id`, `check`),
	CONSTRAINT "check_results_level" CHECK("level" in ('ok', 'warning', 'error'))
);
