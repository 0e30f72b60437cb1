"""Small shared pieces: the Struct base, validators, request ids."""
