#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "admind/http/server.h"

namespace ark::admind::http {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& s) {
  return Poco::JSON::Parser().parse(s).extract<Poco::JSON::Object::Ptr>();
}

TEST(Envelope, Success) {
  auto d = new_object();
  d->set("id", "x");
  int status = 0;
  auto o = parse(render_body(Reply::ok(d, 201), "req_abc", &status));
  EXPECT_EQ(status, 201);
  EXPECT_TRUE(o->getValue<bool>("success"));
  EXPECT_EQ(o->getObject("data")->getValue<std::string>("id"), "x");
  EXPECT_EQ(o->getObject("meta")->getValue<std::string>("requestId"), "req_abc");
}

TEST(Envelope, ErrorHasCodeAndOptionalField) {
  int status = 0;
  auto o = parse(render_body(ApiError::validation("to is required", "to"), "req_1", &status));
  EXPECT_EQ(status, 400);
  EXPECT_FALSE(o->getValue<bool>("success"));
  auto e = o->getObject("error");
  EXPECT_EQ(e->getValue<std::string>("code"), "validation_error");
  EXPECT_EQ(e->getValue<std::string>("field"), "to");
  EXPECT_FALSE(e->has("suggestion"));
  auto no_field = parse(render_body(ApiError::not_found("tenant"), "req_2", &status));
  EXPECT_FALSE(no_field->getObject("error")->has("field"));
  EXPECT_EQ(status, 404);
}

TEST(Envelope, FlatPagination) {
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  items->add(1);
  items->add(2);
  int status = 0;
  auto o = parse(render_body(Reply::paged(items, Page{2, 2, 5}), "req_3", &status));
  EXPECT_TRUE(o->isArray("data"));
  EXPECT_EQ(o->getValue<int>("page"), 2);
  EXPECT_EQ(o->getValue<int>("perPage"), 2);
  EXPECT_EQ(o->getValue<int>("total"), 5);
  EXPECT_EQ(o->getValue<int>("totalPages"), 3);
  auto empty = parse(render_body(Reply::paged(new Poco::JSON::Array, Page{1, 30, 0}), "r", &status));
  EXPECT_EQ(empty->getValue<int>("totalPages"), 0);
}

TEST(ErrorMapping, KindsToStatuses) {
  EXPECT_EQ(api_error_from(base::Error::transient("db")).status, 503);
  EXPECT_EQ(api_error_from(base::Error::not_found("x")).status, 404);
  EXPECT_EQ(api_error_from(base::Error::conflict("x")).status, 409);
  EXPECT_EQ(api_error_from(base::Error::invalid("x", "f")).field, "f");
  EXPECT_EQ(api_error_from(base::Error::internal("x")).status, 500);
}

}  // namespace
}  // namespace ark::admind::http
