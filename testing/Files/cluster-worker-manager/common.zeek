redef exit_only_after_terminate = T;
redef Log::default_rotation_interval = 0secs;
# No scorer in this test: the manager must not open the WebSocket port.
redef DNSGuard::scorer_link = F;
