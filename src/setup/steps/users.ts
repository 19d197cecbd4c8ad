import { ClockifyError } from "../../clockify/errors.js";
import type { User } from "../../clockify/schemas.js";
import type { Named } from "../choices.js";
import type { SetupRun } from "../contract.js";
import { describeUser, type Key } from "./keys.js";

export interface UserChoice {
  /** Whose entries are mirrored. */
  source: Named;
  /** Who owns the copies. */
  destination: Named;
}

/** --source-user and --destination-user, or picked; each defaults to its key's owner. */
export async function chooseUsers(
  run: SetupRun,
  source: { key: Key; workspace: Named },
  destination: { key: Key; workspace: Named },
): Promise<UserChoice> {
  const sourceUser = await chooseUser(run, {
    ...source,
    flag: "--source-user",
    flagValue: run.flags.sourceUser,
    title: "source user",
    message: `Source user in "${source.workspace.label}" (whose entries are mirrored)`,
  });
  const destinationUser = await chooseUser(run, {
    ...destination,
    flag: "--destination-user",
    flagValue: run.flags.destinationUser,
    title: "destination user",
    message: `Destination user in "${destination.workspace.label}" (who owns the copies)`,
  });
  if (destinationUser.id !== destination.key.owner.id) {
    run.out.warn(
      `copies will belong to ${destinationUser.label}, not to the destination key's owner: ` +
        "that key must be a workspace admin's and the workspace must allow adding time for others",
    );
  }
  return { source: sourceUser, destination: destinationUser };
}

async function chooseUser(
  run: SetupRun,
  spec: { key: Key; workspace: Named; flag: string; flagValue: string | undefined; title: string; message: string },
): Promise<Named> {
  let users: User[];
  try {
    users = await spec.key.client.listUsers(spec.workspace.id);
  } catch (error) {
    // Members without admin rights may not list users; the key's owner is the usual answer anyway.
    if (!(error instanceof ClockifyError) || (error.kind !== "forbidden" && error.kind !== "unauthorized")) throw error;
    run.out.warn(`cannot list the users of "${spec.workspace.label}" (HTTP ${error.status}); only the key's owner is offered`);
    users = [];
  }
  if (!users.some((user) => user.id === spec.key.owner.id)) users = [spec.key.owner, ...users];
  const items = users.map(userItem);
  const owner = items.find((item) => item.id === spec.key.owner.id);
  return run.ask.choose({
    flag: spec.flag,
    flagValue: spec.flagValue,
    what: "user",
    title: spec.title,
    message: spec.message,
    items,
    default: spec.key.owner.id,
    ...(owner ? { fallback: owner } : {}),
  });
}

function userItem(user: User): Named {
  return { id: user.id, label: describeUser(user), alias: user.email };
}
