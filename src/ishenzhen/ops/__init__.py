"""Operations: dead letters of the outbox, and Prometheus metrics."""
