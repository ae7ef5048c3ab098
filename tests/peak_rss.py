"""How a child process reads its own peak memory, for the memory checks that run one.

``OWN_PEAK_KB`` is a Python expression (it needs ``import resource``) for the child to
print: VmHWM from ``/proc/self/status``, the peak of this process image alone. On Linux a
child's ``ru_maxrss`` also keeps its parent's RSS at the fork (a test late in a full run
would read pytest's 1.5 GB); ``ru_maxrss`` is the fallback where there is no /proc.
"""

OWN_PEAK_KB = ("next((int(line.split()[1]) for line in open('/proc/self/status') "
               "if line.startswith('VmHWM:')), "
               "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
