redef exit_only_after_terminate = T;
redef Log::default_rotation_interval = 0secs;
# No scorer in this test: the manager must not open the WebSocket port.
redef DNSGuard::scorer_link = F;
# Device tags also as notices here, so the manager's Device_Tagged is seen.
redef DNSGuard::notice_device_tags = T;
