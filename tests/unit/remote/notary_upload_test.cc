// The multipart body of a publish to a Notary server: one part per role, field "files",
// filename = role name, the exact bytes, and a boundary that occurs in no part.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tufkey/remote/notary_server.h"

namespace tufkey::remote {
namespace {

TEST(NotaryUpload, EachRoleIsOnePartWithItsExactBytes) {
    const std::vector<UploadFile> files{{"root", "{\"signed\":1}"}, {"targets/releases", std::string("a\0b\r\n", 5)}};
    const std::string boundary = multipart_boundary(files);
    const std::string body = multipart_body(files, boundary);
    EXPECT_EQ(body, "--" + boundary +
                        "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"root\"\r\n"
                        "Content-Type: application/octet-stream\r\n\r\n{\"signed\":1}\r\n--" +
                        boundary +
                        "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"targets/releases\"\r\n"
                        "Content-Type: application/octet-stream\r\n\r\n" +
                        std::string("a\0b\r\n", 5) + "\r\n--" + boundary + "--\r\n");
}

TEST(NotaryUpload, TheBoundaryNeverOccursInAPart) {
    std::vector<UploadFile> files{{"targets", "x"}};
    const std::string first = multipart_boundary(files);
    ASSERT_GE(first.size(), 40u);
    // A part that contains the boundary the content would give forces another one.
    files[0].bytes = "x" + first + "x";
    std::vector<UploadFile> probe{{"targets", files[0].bytes}};
    const std::string chosen = multipart_boundary(probe);
    EXPECT_EQ(probe[0].bytes.find(chosen), std::string::npos);
}

TEST(NotaryUpload, OnlyHttpUrlsNameAServer) {
    EXPECT_FALSE(NotaryServer::open("/srv/trust", "example.com/app").ok());
    EXPECT_FALSE(NotaryServer::open("file:///srv/trust", "example.com/app").ok());
    auto server = NotaryServer::open("https://notary.example.com:4443/", "example.com/app");
    ASSERT_TRUE(server.ok());
    EXPECT_EQ(server->metadata_base(), "https://notary.example.com:4443/v2/example.com/app/_trust/tuf");
}

}  // namespace
}  // namespace tufkey::remote
