@load ./common

# Hold the trace until the manager is connected.
event zeek_init()
	{
	suspend_processing();
	}

event Cluster::node_up(name: string, id: string)
	{
	if ( name == "manager" )
		continue_processing();
	}

event Cluster::node_down(name: string, id: string)
	{
	terminate();
	}
