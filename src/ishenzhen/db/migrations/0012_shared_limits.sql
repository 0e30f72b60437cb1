-- Rate limits and lockout counters moved to the shared store (this process's memory, or Valkey shared by
-- every instance): the PostgreSQL counters cost a write transaction per sign-in check and are no longer read.
DROP TABLE identity_throttle;
