// Another orchestrator of the group connected its catalogue writer while this one was publishing, which fenced
// this one's transaction. Retriable: the next attempt reads the catalogue again and finds what the other
// published, so it usually has nothing left to write.
import { RetriableError } from '../../core';

export class PublicationRacedError extends RetriableError {
  readonly code = 'catalogue-publication-raced';

  constructor(cause: unknown) {
    super('another orchestrator of the group published the catalogue at the same time; reading it again', {
      cause,
    });
  }
}
