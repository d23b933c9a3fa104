// A throw-away EC key and self-signed certificate in PEM files under the temp folder, made
// with OpenSSL's API (no `openssl` command needed by the unit tests).
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace hiconn::tls::test {

struct CertificateFiles {
    std::string certificate;
    std::string private_key;
};

inline CertificateFiles make_certificate(const std::string& name, const std::string& common_name = "localhost") {
    const auto dir = std::filesystem::temp_directory_path() / "hiconn-tls-unit";
    std::filesystem::create_directories(dir);
    CertificateFiles files{(dir / (name + ".crt")).string(), (dir / (name + ".key")).string()};

    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    if (!key || !cert) throw std::runtime_error("cannot make a test key");
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* subject = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert, subject);
    X509_sign(cert, key, EVP_sha256());

    std::FILE* f = std::fopen(files.certificate.c_str(), "wb");
    PEM_write_X509(f, cert);
    std::fclose(f);
    f = std::fopen(files.private_key.c_str(), "wb");
    PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(f);
    X509_free(cert);
    EVP_PKEY_free(key);
    return files;
}

}  // namespace hiconn::tls::test
