/*
 * Test helper: build an unsymbolized profile.proto from the text that
 * symtest prints (or any text in that form), with the builder API.
 *
 *   mkprof IN OUT
 *   map START LIMIT OFFSET PATH [BUILDID]    (hex numbers)
 *   addr ID RUNTIME [ANYTHING...]            one sample per line
 *
 * Each addr line becomes one location (in the first mapping holding
 * it, if any) and one sample of value 1 whose stack is that location.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

static void die(const char *what)
{
    fprintf(stderr, "mkprof: %s: %s\n", what, pf_error_last());
    exit(1);
}

int main(int argc, char **argv)
{
    pf_profile *p = pf_profile_new();
    pf_encode_opts eo = PF_ENCODE_OPTS_INIT;
    char line[8192];
    FILE *in, *out;
    size_t nmap = 0, i;
    pf_mapping maps[64];
    uint32_t mapidx[64];

    if (argc != 3 || !p)
        return 2;
    in = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "r");
    if (!in)
        return 1;
    if (pf_profile_add_sample_type(p, "samples", "count") < 0)
        die("sample type");
    while (fgets(line, sizeof(line), in)) {
        char path[4096], bid[256];
        unsigned long long lo, hi, off, addr;
        int id, n;
        if (sscanf(line, "map %llx %llx %llx %4095s %255s", &lo, &hi, &off,
                   path, bid) >= 4 && nmap < 64) {
            n = sscanf(line, "map %llx %llx %llx %4095s %255s", &lo, &hi,
                       &off, path, bid);
            memset(&maps[nmap], 0, sizeof(maps[nmap]));
            maps[nmap].start = lo;
            maps[nmap].limit = hi;
            maps[nmap].offset = off;
            maps[nmap].file = path;
            maps[nmap].build_id = n == 5 ? bid : "";
            if (pf_profile_add_mapping(&mapidx[nmap], p, &maps[nmap]) < 0)
                die("mapping");
            maps[nmap] = *pf_profile_mapping(p, mapidx[nmap]);
            nmap++;
        } else if (sscanf(line, "addr %d %llx", &id, &addr) == 2) {
            uint32_t m = PF_NONE, loc;
            int64_t one = 1;
            for (i = 0; i < nmap; i++)
                if (addr >= maps[i].start &&
                    (addr < maps[i].limit || maps[i].limit == 0)) {
                    m = mapidx[i];
                    break;
                }
            if (pf_profile_add_location(&loc, p, m, addr, NULL, 0, false) < 0)
                die("location");
            if (pf_profile_add_sample(p, &loc, 1, &one, NULL, 0) < 0)
                die("sample");
        }
    }
    if (in != stdin)
        fclose(in);
    out = fopen(argv[2], "wb");
    if (!out || pf_profile_encode(p, pf_writer_file(out), &eo) < 0 ||
        fclose(out) != 0)
        die("write");
    pf_profile_free(p);
    return 0;
}
