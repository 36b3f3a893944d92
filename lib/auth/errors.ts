// Errors the data-access layer throws; the action wrapper and route handlers turn
// them into messages. A missing object and another tenant's object look the same.

export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  constructor(message = "Not found.") {
    super(message);
  }
}

export class ForbiddenError extends Error {
  override readonly name = "ForbiddenError";
  constructor(message = "Your role does not allow this.") {
    super(message);
  }
}

export class UnauthenticatedError extends Error {
  override readonly name = "UnauthenticatedError";
  constructor(message = "Sign in to continue.") {
    super(message);
  }
}

/** A rule of the domain was broken; `field` names the form field to show it next to. */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
