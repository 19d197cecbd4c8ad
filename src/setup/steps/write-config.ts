import { configFileWarnings, keepKeysOutAdvice } from "../../config/file-warnings.js";
import { isDeepStrictEqual } from "node:util";
import { pairIds, readRawConfig, upsertPair, validateTree, writeConfigAtomically, type PairEntry, type Validated } from "../config-file.js";
import { SetupCancelled, SetupError, type PairChoices, type SetupResult, type SetupRun } from "../contract.js";
import { DESTINATION_KEY_VAR, keyReference, SOURCE_KEY_VAR } from "./keys.js";

export interface WrittenPair {
  entry: PairEntry;
  /** A pair of that id was there and is now replaced. */
  replaced: boolean;
  /** An API key was written into the file as a literal value. */
  secretInFile: boolean;
  validated: Validated;
  reload: SetupResult["reload"];
}

export function pairEntry(choices: PairChoices): PairEntry {
  const { sourceKey, destinationKey } = choices;
  return {
    id: choices.pairId,
    source: {
      apiKey: keyReference(sourceKey),
      workspaceId: choices.sourceWorkspace.id,
      userId: choices.sourceUser.id,
      clientId: choices.client.id,
    },
    destination: {
      ...(destinationKey === sourceKey ? {} : { apiKey: keyReference(destinationKey) }),
      workspaceId: choices.destinationWorkspace.id,
      userId: choices.destinationUser.id,
    },
  };
}

/** After the user's yes: the pair goes into the file, and the file is checked as the service will read it. */
export async function writePair(run: SetupRun, choices: PairChoices): Promise<WrittenPair> {
  const { out, deps } = run;
  const { pairId, sourceKey, destinationKey } = choices;
  if (!(await run.ask.confirm({ message: `Write pair "${pairId}" to ${deps.configPath}?`, default: true }))) {
    throw new SetupCancelled("setup cancelled: nothing was written");
  }
  const entry = pairEntry(choices);
  // Read again: only this pair changes, whatever happened to the file while questions were answered.
  const current = readRawConfig(deps.configPath);
  if (!choices.replacing && pairIds(current).includes(pairId)) {
    throw new SetupError(`a pair "${pairId}" was added to ${deps.configPath} while setup ran; nothing was written. Run setup again`);
  }
  const { tree, replaced, pair } = upsertPair(current.tree, entry);
  const validated = validateTree(tree, pair, deps.env);
  const secretInFile = sourceKey.envName === undefined || (destinationKey !== sourceKey && destinationKey.envName === undefined);
  writeConfigAtomically(deps.configPath, tree, secretInFile ? 0o600 : current.mode);
  out.line(`✔ ${replaced ? "replaced" : "added"} pair "${pairId}" in ${deps.configPath}`);
  if (secretInFile) {
    const typed = [sourceKey, destinationKey].filter((k) => k.envName === undefined);
    const names = typed.map((k) => (k === sourceKey ? SOURCE_KEY_VAR : DESTINATION_KEY_VAR));
    out.warn(`${deps.configPath} now holds an API key in plain text (file mode set to 0600); ${keepKeysOutAdvice([...new Set(names)])}`);
  }
  // Other pairs may hold literal keys in a file others can read; setup keeps the file's mode, so it says so.
  for (const warning of configFileWarnings(deps.configPath, tree)) out.warn(warning);
  if (validated.unsetVariables.length > 0) {
    out.warn(`the config file refers to variables not set here: ${validated.unsetVariables.join(", ")}; the service needs them`);
  }
  const unchanged = current.exists && !current.wrappedLegacy && isDeepStrictEqual(current.tree, tree);
  return { entry, replaced, secretInFile, validated, reload: !current.exists ? "new file" : unchanged ? "not needed" : "needed" };
}
