"""The CLI's subcommands, one module each. Each module has ``register(subparsers)``."""
