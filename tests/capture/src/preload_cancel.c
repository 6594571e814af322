/* Cancellation workload (cancel_work.h) as a plain program, for
 * pprofrecord / LD_PRELOAD runs. */
#include "cancel_work.h"

int main(int argc, char **argv)
{
    return cancel_main(argc, argv);
}
