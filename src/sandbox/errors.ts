/** Clockify answers every error with `{message, code}`; code 501 covers most business-rule failures. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }

  toBody(): { message: string; code: number } {
    return { message: this.message, code: this.code };
  }
}

export const BUSINESS_RULE = 501;

export function badRequest(message: string): ApiError {
  return new ApiError(400, BUSINESS_RULE, message);
}

/** Foreign and missing ids look the same on the live API: 400, code 501, never 404. */
export function notInWorkspace(kind: string): ApiError {
  return badRequest(`${kind} doesn't belong to Workspace`);
}

export function accessDenied(detail?: string): ApiError {
  return new ApiError(403, BUSINESS_RULE, detail ? `Access Denied: ${detail}` : "Access Denied");
}
