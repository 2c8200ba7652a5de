#include <iostream>
#include "loanlens/version.h"
int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--version") std::cout << "loanlens " << loanlens::kEngineVersion << "\n";
  return 0;
}
