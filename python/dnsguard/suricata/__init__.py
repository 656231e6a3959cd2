"""Suricata integration: offline runs, the unix-socket client, rule pack tooling."""
