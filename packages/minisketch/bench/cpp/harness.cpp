// keel's timing/differential harness around libminisketch (C API only).
//   harness bench <impl> <bits> <capacity> <count> <iters>
//     -> {"decodeMs":..,"addNsPerElement":..,"decoded":..}
//   harness eval < lines "<impl> <bits> <capacity> <seed> <n> e1 .. en"
//     -> one line per input: "<sketch hex> <count or -1> d1 .. dk" (decoded ascending)
#include <minisketch.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <vector>

static double now_ms() {
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

static int bench(int argc, char** argv) {
    if (argc != 7) return 2;
    uint32_t impl = strtoul(argv[2], nullptr, 10), bits = strtoul(argv[3], nullptr, 10);
    size_t cap = strtoul(argv[4], nullptr, 10), count = strtoul(argv[5], nullptr, 10);
    int iters = atoi(argv[6]);
    if (!minisketch_implementation_supported(bits, impl)) { printf("{\"unsupported\":true}\n"); return 0; }
    std::mt19937_64 rng(12345);
    uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    std::set<uint64_t> seen;
    std::vector<uint64_t> elems;
    while (elems.size() < count) {
        uint64_t v = rng() & mask;
        if (v != 0 && seen.insert(v).second) elems.push_back(v);
    }
    minisketch* s = minisketch_create(bits, impl, cap);
    minisketch_set_seed(s, 1);
    for (uint64_t e : elems) minisketch_add_uint64(s, e);
    std::vector<uint64_t> out(cap);
    std::vector<double> times;
    ssize_t got = 0;
    for (int i = 0; i < iters; ++i) {
        double t0 = now_ms();
        got = minisketch_decode(s, cap, out.data());
        times.push_back(now_ms() - t0);
    }
    std::sort(times.begin(), times.end());
    // add: time many elements into a fresh sketch of the same capacity
    minisketch* a = minisketch_create(bits, impl, cap);
    size_t adds = 20000;
    double best = 1e300;
    for (int r = 0; r < 5; ++r) {
        double t0 = now_ms();
        for (size_t i = 0; i < adds; ++i) minisketch_add_uint64(a, (i * 0x9e3779b97f4a7c15ull + 1) & mask);
        best = std::min(best, (now_ms() - t0) * 1e6 / adds);
    }
    unsigned char sink[8] = {0};
    if (minisketch_serialized_size(a) >= 1) { std::vector<unsigned char> ser(minisketch_serialized_size(a)); minisketch_serialize(a, ser.data()); sink[0] = ser[0]; }
    printf("{\"decodeMs\":%.6f,\"addNsPerElement\":%.3f,\"decoded\":%zd,\"sink\":%d}\n", times[times.size() / 2], best, got, sink[0]);
    minisketch_destroy(a);
    minisketch_destroy(s);
    return 0;
}

static int eval() {
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.empty()) continue;
        const char* p = line.c_str();
        char* end;
        uint32_t impl = strtoul(p, &end, 10); p = end;
        uint32_t bits = strtoul(p, &end, 10); p = end;
        size_t cap = strtoul(p, &end, 10); p = end;
        uint64_t seed = strtoull(p, &end, 10); p = end;
        size_t n = strtoul(p, &end, 10); p = end;
        minisketch* s = minisketch_create(bits, impl, cap);
        if (!s) { printf("unsupported\n"); continue; }
        minisketch_set_seed(s, seed);
        for (size_t i = 0; i < n; ++i) { uint64_t v = strtoull(p, &end, 10); p = end; minisketch_add_uint64(s, v); }
        std::vector<unsigned char> ser(minisketch_serialized_size(s));
        minisketch_serialize(s, ser.data());
        for (unsigned char c : ser) printf("%02x", c);
        std::vector<uint64_t> out(cap + 1);
        ssize_t got = minisketch_decode(s, cap, out.data());
        printf(" %zd", got);
        if (got > 0) {
            std::sort(out.begin(), out.begin() + got);
            for (ssize_t i = 0; i < got; ++i) printf(" %" PRIu64, out[i]);
        }
        printf("\n");
        fflush(stdout);
        minisketch_destroy(s);
    }
    return 0;
}

int main(int argc, char** argv) {
    if (argc >= 2 && strcmp(argv[1], "bench") == 0) return bench(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "eval") == 0) return eval();
    fprintf(stderr, "usage: harness bench <impl> <bits> <cap> <count> <iters> | harness eval\n");
    return 2;
}
