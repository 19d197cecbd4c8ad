ALTER TABLE `inbox` ADD `waiting_for` text;--> statement-breakpoint
ALTER TABLE `inbox` ADD `outcome` text;--> statement-breakpoint
ALTER TABLE `inbox` ADD `destination_id` text;--> statement-breakpoint
CREATE INDEX `inbox_applied_idx` ON `inbox` (`applied_at`);--> statement-breakpoint
CREATE INDEX `inbox_workspace_received_idx` ON `inbox` (`workspace_id`,`received_at`);