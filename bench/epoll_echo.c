/* epoll_echo: the near-the-limit reference for scripts/bench-echo.sh.
 *
 * One thread, level-triggered epoll, nonblocking accept loop, one static buffer shared by
 * every connection: an idle connection costs the kernel socket and nothing else. Each
 * readable event reads once into the static buffer and writes it straight back. Only when
 * the peer's socket cannot take it all (a client that does not read) is the unsent tail
 * copied to a per-connection spill buffer; the server then stops reading that connection
 * until the tail is written, so it never queues more than one buffer per connection.
 * EMFILE on accept is not handled (a level-triggered listener would spin): keep the load
 * below the fd limit.
 *
 * usage: epoll_echo PORT [BACKLOG]   listens on 127.0.0.1:PORT (0 = ephemeral) and prints
 *                                    "port N" on stdout once listening.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS 1024
static char buf[65536];

/* A short write leaves its tail here (rare: only when the peer does not read). */
struct spill { size_t len, off; char *data; };
static struct spill **spills;  /* indexed by fd, NULL when nothing is pending */
static int max_fds;

static void close_conn(int ep, int fd) {
    if (fd < max_fds && spills[fd]) { free(spills[fd]->data); free(spills[fd]); spills[fd] = NULL; }
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
}

static void watch(int ep, int fd, int op, unsigned events) {
    struct epoll_event ev = {.events = events, .data.fd = fd};
    epoll_ctl(ep, op, fd, &ev);
}

/* Writes the pending tail; back to reading once it is gone. */
static void on_writable(int ep, int fd) {
    struct spill *s = spills[fd];
    ssize_t n = write(fd, s->data + s->off, s->len - s->off);
    if (n < 0 && errno != EAGAIN) { close_conn(ep, fd); return; }
    if (n > 0) s->off += (size_t)n;
    if (s->off == s->len) {
        free(s->data); free(s); spills[fd] = NULL;
        watch(ep, fd, EPOLL_CTL_MOD, EPOLLIN);
    }
}

static void on_readable(int ep, int fd) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN)) { close_conn(ep, fd); return; }
    if (n < 0) return;
    ssize_t w = write(fd, buf, (size_t)n);
    if (w < 0 && errno != EAGAIN) { close_conn(ep, fd); return; }
    if (w < 0) w = 0;
    if (w < n) {  /* peer not reading: keep the tail, stop reading until it is written */
        struct spill *s = malloc(sizeof *s);
        s->len = (size_t)(n - w); s->off = 0;
        s->data = malloc(s->len);
        memcpy(s->data, buf + w, s->len);
        spills[fd] = s;
        watch(ep, fd, EPOLL_CTL_MOD, EPOLLOUT);
    }
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 7;
    int backlog = argc > 2 ? atoi(argv[2]) : 4096;
    max_fds = 1 << 20;
    spills = calloc((size_t)max_fds, sizeof *spills);

    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, backlog) < 0) {
        perror("bind/listen"); return 1;
    }
    socklen_t al = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &al);
    printf("port %d\n", ntohs(a.sin_port));
    fflush(stdout);

    int ep = epoll_create1(0);
    watch(ep, ls, EPOLL_CTL_ADD, EPOLLIN);
    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        for (int i = 0; i < n; ++i) {
            int fd = events[i].data.fd;
            if (fd == ls) {  /* drain the accept queue; EMFILE etc. just wait for the next wake-up */
                for (;;) {
                    int c = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
                    if (c < 0) break;
                    if (c >= max_fds) { close(c); continue; }
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    watch(ep, c, EPOLL_CTL_ADD, EPOLLIN);
                }
            } else if (events[i].events & EPOLLOUT) {
                on_writable(ep, fd);
            } else {
                on_readable(ep, fd);
            }
        }
    }
}
