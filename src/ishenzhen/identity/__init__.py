"""Identity: accounts, real-name levels, enterprises and agents, and the OAuth 2.1 / OpenID Connect provider."""
