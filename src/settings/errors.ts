// Bad input: an input or the policy file is wrong. Thrown at setup, before anything is probed;
// main reports it as `bad-input` and names the input and what was wrong (never a secret's value).
export class InputError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InputError'
  }
}

/** A key of the policy file is wrong (a kind of bad input). */
export class PolicyError extends InputError {
  constructor(message: string) {
    super(message)
    this.name = 'PolicyError'
  }
}
