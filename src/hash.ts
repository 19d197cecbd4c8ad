import { createHash } from "node:crypto";

/**
 * The one fingerprint the service uses: token and key hashes stored instead of secrets, content hashes
 * of mirrored entries, dedupe keys of deliveries, the status page's style hash.
 */
export function sha256(value: string, encoding: "hex" | "base64" = "hex"): string {
  return createHash("sha256").update(value, "utf8").digest(encoding);
}
