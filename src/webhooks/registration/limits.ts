/** What a workspace's plan allows (API-NOTES §5), and counting slots against it while a plan is made. */

export interface WebhookLimit {
  /** `featureSubscriptionType` as Clockify sent it; null when it did not say. */
  plan: string | null;
  /** Webhooks per workspace; null when unknown (then Clockify's refusal is the limit). */
  perWorkspace: number | null;
  /** Webhooks one user may own in a workspace; null when there is no such limit or it is unknown. */
  perUser: number | null;
}

/**
 * FREE: 3 per workspace. BASIC/STANDARD/PRO (any other paid plan): 100 per workspace, 10 per user.
 * ENTERPRISE: 300 per workspace, 100 per user. Plan names come with suffixes (`STANDARD_2021`).
 */
export function webhookLimit(plan: string | null | undefined): WebhookLimit {
  const name = plan?.trim() ? plan.trim() : null;
  if (name === null) return { plan: null, perWorkspace: null, perUser: null };
  const upper = name.toUpperCase();
  if (upper.startsWith("FREE")) return { plan: name, perWorkspace: 3, perUser: null };
  if (upper.startsWith("ENTERPRISE")) return { plan: name, perWorkspace: 300, perUser: 100 };
  return { plan: name, perWorkspace: 100, perUser: 10 };
}

/**
 * The webhooks in use in one workspace, counted up as the plan places new ones: existing webhooks
 * (anyone's) count against the limit, and every new one belongs to the API key's user.
 */
export class WebhookSlots {
  private used: number;
  /** Null when the key's user is unknown: then only the workspace limit can be checked. */
  private usedByOwner: number | null;

  constructor(
    private readonly limit: WebhookLimit,
    inUse: readonly { userId?: string | null }[],
    private readonly owner: string | null,
    /** Of `inUse`, neither this service's nor at its URL (named in the "no room" reason). */
    private readonly others: number,
  ) {
    this.used = inUse.length;
    this.usedByOwner = owner === null ? null : inUse.filter((w) => w.userId === owner).length;
  }

  /** Why one more webhook does not fit; null when it does. */
  noRoom(): string | null {
    const { perWorkspace, perUser } = this.limit;
    const plan = this.limit.plan ?? "current";
    if (perWorkspace !== null && this.used >= perWorkspace) {
      const foreign = this.others > 0 ? `, ${this.others} of them from other integrations` : "";
      return `no room: the ${plan} plan allows ${perWorkspace} webhooks per workspace and ${this.used} are in use${foreign}`;
    }
    if (perUser !== null && this.usedByOwner !== null && this.usedByOwner >= perUser) {
      return `no room: on the ${plan} plan a user may own ${perUser} webhooks per workspace and the API key's user owns ${this.usedByOwner} here`;
    }
    return null;
  }

  /** Counts a new webhook; call only after noRoom() said it fits. */
  takeOne(): void {
    this.used++;
    if (this.usedByOwner !== null) this.usedByOwner++;
  }

  /**
   * Counts replacing a webhook owned by `hookOwner` with one of the key's user, when that user may own
   * one more; false (and nothing counted) when not. The workspace total does not change.
   */
  takeOverFrom(hookOwner: string | null | undefined): boolean {
    const ownerGains = this.usedByOwner !== null && hookOwner !== this.owner;
    if (!ownerGains) return true;
    if (this.limit.perUser !== null && (this.usedByOwner ?? 0) >= this.limit.perUser) return false;
    if (this.usedByOwner !== null) this.usedByOwner++;
    return true;
  }
}
