/* libgreet: the sample's bundled shared library. */
#include <stdio.h>

const char *greet(const char *who) {
  static char buf[256];
  snprintf(buf, sizeof buf, "Hello, %s, from a bundled library!", who);
  return buf;
}
