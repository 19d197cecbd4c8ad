// The entry older unit files and images name (`node dist/src/main.js`): the same as `clockify-sync serve`.
import { main } from "./cli/main.js";

await main([...process.argv.slice(0, 2), "serve", ...process.argv.slice(2)]);
