# The shipped list turned off through the Config framework after start-up
# (as a cluster's config change would): the change handler empties the set.
@load base/frameworks/config

event zeek_init() &priority=-10
	{
	Config::set_value("DNSGuard::use_shipped_popular_domains", F);
	}
