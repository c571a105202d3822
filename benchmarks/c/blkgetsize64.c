/*
 * What one ioctl(BLKGETSIZE64) costs from C, for AdapterIoctlBench's comparison.
 * Creates nothing: opens the block device it is given (O_RDONLY), runs the ioctl N times per
 * round for 5 rounds, and prints ns per call for each round and the median.
 *
 *   gcc -O2 -o /tmp/bs benchmarks/c/blkgetsize64.c && /tmp/bs /dev/loop0p1 1000000
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 5

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s BLOCK-DEVICE ITERATIONS\n", argv[0]);
		return 2;
	}
	char *end;
	long n = strtol(argv[2], &end, 10);
	if (*end != '\0' || n <= 0) {
		fprintf(stderr, "%s: bad iteration count '%s'\n", argv[0], argv[2]);
		return 2;
	}
	int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: open %s: %s\n", argv[0], argv[1], strerror(errno));
		return 1;
	}
	uint64_t size = 0;
	if (ioctl(fd, BLKGETSIZE64, &size) != 0) {
		fprintf(stderr, "%s: BLKGETSIZE64 %s: %s\n", argv[0], argv[1], strerror(errno));
		return 1;
	}
	printf("%s: %llu bytes, %d rounds of %ld calls\n", argv[1], (unsigned long long)size, ROUNDS, n);
	/* warm-up: one round not counted */
	for (long i = 0; i < n; i++)
		ioctl(fd, BLKGETSIZE64, &size);
	double per[ROUNDS];
	for (int r = 0; r < ROUNDS; r++) {
		uint64_t check = 0;
		double t0 = now_ns();
		for (long i = 0; i < n; i++) {
			if (ioctl(fd, BLKGETSIZE64, &size) != 0) {
				fprintf(stderr, "%s: BLKGETSIZE64 failed: %s\n", argv[0], strerror(errno));
				return 1;
			}
			check += size;
		}
		double t1 = now_ns();
		per[r] = (t1 - t0) / (double)n;
		printf("round %d: %.1f ns/call (checksum %llu)\n", r + 1, per[r], (unsigned long long)(check / n));
	}
	qsort(per, ROUNDS, sizeof per[0], cmp);
	printf("median: %.1f ns/call\n", per[ROUNDS / 2]);
	close(fd);
	return 0;
}
