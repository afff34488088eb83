/**
 * What `/health/ready` reports besides the database answering: an instance that is shutting down says
 * not-ready first, so a load balancer stops sending before it stops accepting; one whose cross-instance
 * invalidation listener is down says so until it is back (its caches may hold revoked credentials).
 */
export class Readiness {
  draining = false;
}
