redef DNSGuard::popular_domains = set();
