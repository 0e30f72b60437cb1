"""Handling: applications, their status machine, uploads, the outbox dispatcher and department callbacks."""
