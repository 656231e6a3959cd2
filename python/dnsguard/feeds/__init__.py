"""Threat indicators: feed definitions, fetching, validation, the store, exports."""
