/* The C peer of examples/bench.rs: N virDomainGetInfo calls from K pthreads sharing one
 * virConnectPtr, through libvirt's own client library.
 *
 *   peer URI N K
 *
 * Prints `getinfo threads=K calls_per_s=X median_us=Y cpu_us_per_call=Z`, as the bench does.
 * Built by compare-c.sh: cc -O2 peer.c -lvirt -lpthread */
#include <libvirt/libvirt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static virDomainPtr dom;
static int per;
static double *lat;

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double cpu_us(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1e6 +
           ru.ru_stime.tv_usec;
}

static void *work(void *arg) {
    double *mine = lat + (size_t)arg * per;
    virDomainInfo info;
    for (int i = 0; i < per; i++) {
        double s = now_us();
        if (virDomainGetInfo(dom, &info) < 0) {
            fprintf(stderr, "virDomainGetInfo failed\n");
            exit(1);
        }
        mine[i] = now_us() - s;
    }
    return NULL;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: peer URI N K\n");
        return 2;
    }
    int n = atoi(argv[2]), k = atoi(argv[3]);
    if (n < 1 || k < 1) {
        fprintf(stderr, "N and K must be positive\n");
        return 2;
    }
    virConnectPtr conn = virConnectOpen(argv[1]);
    if (!conn)
        return 1;
    virDomainPtr *doms = NULL;
    int count = virConnectListAllDomains(conn, &doms, 0);
    if (count < 1) {
        fprintf(stderr, "no domain to measure\n");
        return 1;
    }
    dom = doms[0];
    virDomainInfo info;
    for (int i = 0; i < 50; i++)
        if (virDomainGetInfo(dom, &info) < 0)
            return 1;
    per = n / k;
    lat = calloc((size_t)per * k, sizeof *lat);
    pthread_t *ts = calloc(k, sizeof *ts);
    if (!lat || !ts)
        return 1;
    double c0 = cpu_us(), t0 = now_us();
    for (long t = 0; t < k; t++)
        pthread_create(&ts[t], NULL, work, (void *)t);
    for (int t = 0; t < k; t++)
        pthread_join(ts[t], NULL);
    double wall = (now_us() - t0) / 1e6, cpu = cpu_us() - c0;
    size_t calls = (size_t)per * k;
    qsort(lat, calls, sizeof *lat, cmp);
    printf("getinfo threads=%d calls_per_s=%.0f median_us=%.1f cpu_us_per_call=%.1f\n", k,
           calls / wall, lat[calls / 2], cpu / calls);
    for (int i = 0; i < count; i++)
        virDomainFree(doms[i]);
    free(doms);
    virConnectClose(conn);
    return 0;
}
