#ifndef OUTREACH_TESTS_TESTING_TEMP_DIR_H_
#define OUTREACH_TESTS_TESTING_TEMP_DIR_H_

#include <string>

namespace outreach::testing {

// A fresh directory under /tmp, removed with everything in it when the
// object is destroyed (std::filesystem, no shell). path() is empty when
// the directory could not be made.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace outreach::testing

#endif  // OUTREACH_TESTS_TESTING_TEMP_DIR_H_
