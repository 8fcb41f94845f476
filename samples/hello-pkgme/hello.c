/* hello-pkgme: a small application used as pkgme's sample upload. It links to a bundled library (libgreet,
 * found through RUNPATH $ORIGIN/../lib), to zlib and libpng from the distribution, and to libm. */
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <zlib.h>

const char *greet(const char *who);

int main(int argc, char **argv) {
  const char *who = argc > 1 ? argv[1] : "world";
  printf("%s\n", greet(who));
  printf("zlib %s, libpng %s, sqrt(2)=%.3f\n", zlibVersion(), png_get_libpng_ver(NULL), sqrt(2.0));
  return 0;
}
