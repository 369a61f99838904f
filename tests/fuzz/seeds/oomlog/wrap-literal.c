static const char *fixture =
        "[  65.1] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice,task=stress,pid=77,uid=0\n"
        "[  65.2] Out of memory: Killed process 77 (stress) total-vm:9kB, anon-rss:8kB, file-rss:0kB, shmem-rss:0kB\n";
