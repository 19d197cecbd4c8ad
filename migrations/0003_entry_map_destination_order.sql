DROP INDEX `entry_map_pair_destination_idx`;--> statement-breakpoint
CREATE INDEX `entry_map_pair_destination_idx` ON `entry_map` (`pair_id`,`destination_entry_id`,`source_entry_id`);