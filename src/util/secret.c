/* Secrets (secret.h), on OpenSSL's libcrypto. */
/* SPDX-License-Identifier: MIT */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util/secret.h"
#include "util/banned.h"

int secret_random(void *buf, size_t n)
{
  return n > (size_t)0x7fffffff || RAND_bytes(buf, (int)n) != 1 ? -1 : 0;
}

void secret_hex(const void *data, size_t n, char *out)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = data;
  size_t i;

  for (i = 0; i < n; i++) {
    out[2 * i] = hex[p[i] >> 4];
    out[2 * i + 1] = hex[p[i] & 15];
  }
  out[2 * n] = '\0';
}

void secret_sha256_hex(const void *data, size_t n, char out[65])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  if (EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32) {
    out[0] = '\0'; /* matches no stored hash */
    return;
  }
  secret_hex(md, 32, out);
}

int secret_equal(const void *a, const void *b, size_t n)
{
  return CRYPTO_memcmp(a, b, n) == 0;
}
