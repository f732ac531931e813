"""Subcommand groups; each module registers its commands on the argparse subparsers."""
