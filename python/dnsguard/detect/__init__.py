"""Behavioural detections over a stream of DNS records, one module each.

Each detector keeps bounded per-host state, so a day of logs or a flood of
random names cannot grow memory without limit.
"""
