import type { Workspace } from "../../clockify/schemas.js";
import { UsageError } from "../../config/errors.js";
import { matchFlag, type Named } from "../choices.js";
import { SetupError, type SetupRun } from "../contract.js";
import { DESTINATION_KEY_VAR, describeUser, type Key, type Keys } from "./keys.js";

const ANOTHER_ACCOUNT = "\u0000another-account";

export interface SourceChoice {
  workspace: Named;
  /** The client in that workspace whose projects are mirrored. */
  client: Named;
}

export interface DestinationChoice {
  workspace: Named;
  /** Whose key reaches it: the one read before, or another account's typed while choosing. */
  key: Key;
}

/** --source-workspace and --client, or picked from what the source key sees. */
export async function chooseSource(run: SetupRun, source: Key): Promise<SourceChoice> {
  const { ask, flags } = run;
  const workspaces = await source.client.listWorkspaces();
  if (workspaces.length === 0) throw new SetupError(`${describeUser(source.owner)} is in no workspace`);
  const workspace = await ask.choose({
    flag: "--source-workspace",
    flagValue: flags.sourceWorkspace,
    what: "workspace",
    title: "source workspace",
    message: "Source workspace (where you track your time, e.g. the agency's)",
    items: workspaces.map(workspaceItem),
  });

  const clients = await source.client.listClients(workspace.id, { archived: false });
  if (clients.length === 0) {
    throw new SetupError(`workspace "${workspace.label}" has no clients; create the customer as a client there first`);
  }
  const client = await ask.choose({
    flag: "--client",
    flagValue: flags.client,
    what: "client",
    title: "client",
    message: `Client in "${workspace.label}" whose projects are mirrored`,
    items: clients.map((c) => ({ id: c.id, label: c.name, alias: c.name })),
  });
  return { workspace, client };
}

/**
 * --destination-workspace, or picked from what the destination key sees; with a single key the list
 * offers "another account", whose key is then asked for and its workspaces listed instead.
 */
export async function chooseDestination(run: SetupRun, keys: Keys, sourceWorkspace: Named): Promise<DestinationChoice> {
  const { ask, out, flags } = run;
  let key = keys.destination;
  for (;;) {
    const items = (await key.client.listWorkspaces()).map(workspaceItem);
    if (flags.destinationWorkspace !== undefined) {
      const picked = matchDestinationFlag(flags.destinationWorkspace, items, key === keys.source);
      if (picked.id === sourceWorkspace.id) {
        throw new UsageError(`--destination-workspace: "${picked.label}" is the source workspace; a pair cannot mirror a workspace into itself`);
      }
      out.line(`✔ destination workspace: ${picked.label} (--destination-workspace)`);
      return { workspace: picked, key };
    }
    const choices = items.map((item) => ({
      value: item.id,
      name: item.id === sourceWorkspace.id ? `${item.label} (the source workspace)` : item.label,
      description: item.id,
    }));
    if (!keys.destinationFromEnv && key === keys.source) {
      choices.push({
        value: ANOTHER_ACCOUNT,
        name: "A workspace of another Clockify account…",
        description: "enter that account's API key next",
      });
    }
    const id = await ask.select("--destination-workspace", {
      message: "Destination workspace (the customer's own, where the copies go)",
      choices,
    });
    if (id === ANOTHER_ACCOUNT) {
      key = await keys.reader.read("destination", DESTINATION_KEY_VAR, { prompt: true });
      continue;
    }
    if (id === sourceWorkspace.id) {
      out.warn(`"${sourceWorkspace.label}" is the source workspace; a pair cannot mirror a workspace into itself. Pick another one.`);
      continue;
    }
    const picked = items.find((item) => item.id === id);
    if (picked !== undefined) return { workspace: picked, key };
  }
}

function matchDestinationFlag(value: string, items: readonly Named[], sameKey: boolean): Named {
  try {
    return matchFlag("--destination-workspace", value, items, "workspace");
  } catch (error) {
    if (!(error instanceof UsageError) || !sameKey) throw error;
    throw new UsageError(`${error.message}. If another Clockify account owns it, set ${DESTINATION_KEY_VAR} to that account's key`);
  }
}

function workspaceItem(workspace: Workspace): Named {
  return { id: workspace.id, label: workspace.name, alias: workspace.name };
}
