CREATE TABLE `blocked_copies` (
	`pair_id` text NOT NULL,
	`source_entry_id` text NOT NULL,
	`kind` text NOT NULL,
	`action` text NOT NULL,
	`entry_start_at` integer,
	`message` text NOT NULL,
	`first_tried_at` integer NOT NULL,
	`last_tried_at` integer NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`pair_id`, `source_entry_id`),
	CONSTRAINT "blocked_copies_kind" CHECK("kind" in ('lock', 'approval')),
	CONSTRAINT "blocked_copies_action" CHECK("action" in ('write', 'delete'))
);
