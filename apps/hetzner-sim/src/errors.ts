/**
 * The Hetzner error model: one envelope `{"error":{"code","message","details"}}` and one table
 * from code to HTTP status. `details` is always sent (null when empty): python3-hcloud raises
 * KeyError without it.
 */

/** General codes (spec "Error Codes") plus the operation-specific codes with a single status. */
export const ERROR_HTTP_STATUS: Readonly<Record<string, number>> = {
  json_error: 400,
  unauthorized: 401,
  token_readonly: 401,
  forbidden: 403,
  maintenance: 403,
  resource_limit_exceeded: 403,
  not_found: 404,
  method_not_allowed: 405,
  uniqueness_error: 409,
  conflict: 409,
  deprecated_api_endpoint: 410,
  resource_unavailable: 412,
  invalid_input: 422,
  service_error: 422,
  unsupported_error: 422,
  locked: 423,
  protected: 423,
  rate_limit_exceeded: 429,
  server_error: 500,
  unavailable: 503,
  timeout: 504,
  // Operation-specific (operation-error-codes.txt), for the operations the simulator serves.
  primary_ip_version_mismatch: 412,
  placement_error: 422,
  primary_ip_assigned: 422,
  primary_ip_datacenter_mismatch: 422,
  server_not_stopped: 422,
  invalid_server_type: 422,
  already_in_placement_group: 422,
  no_space_left_in_location: 422,
  resource_in_use: 422,
};

export type ErrorDetails = Record<string, unknown> | null;

export interface FieldError {
  name: string;
  messages: string[];
}

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: string, message: string, details: ErrorDetails = null, status?: number) {
    super(message);
    this.code = code;
    this.status = status ?? ERROR_HTTP_STATUS[code] ?? 500;
    this.details = details;
  }
}

export function errorBody(code: string, message: string, details: ErrorDetails = null): unknown {
  return { error: { code, message, details } };
}

export function invalidInput(fields: FieldError[]): ApiError {
  const first = fields[0];
  const message = first
    ? `invalid input in field '${first.name}': ${first.messages.join(', ')}`
    : 'invalid input';
  return new ApiError('invalid_input', message, { fields });
}

export function notFound(what: string): ApiError {
  return new ApiError('not_found', `${what} not found`);
}

export function uniquenessError(field: string, message: string): ApiError {
  return new ApiError('uniqueness_error', message, { fields: [{ name: field }] });
}
