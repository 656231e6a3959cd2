redef DNSGuard::use_shipped_popular_domains = F;
